package chart

// palette holds colors of similar weight spread around the hue circle, with
// lightness alternating between neighbouring hues so that two nearby hues
// still differ. Every color keeps a contrast of at least 3:1 against white,
// the minimum for graphical marks, and is dark enough to carry a line.
// It is a constant string of 7-byte entries, so it cannot be changed at run time.
const palette = "" +
	"#b24133#d16e21#906106#a28c00" +
	"#637505#4ea249#067f5c#0ba198" +
	"#087988#0898cd#226bc0#7780e5" +
	"#7a53b4#b66ac1#a5417f#d5607c"

const paletteSize = len(palette) / 7

// Color returns a stable color ("#rrggbb") for a name such as a version, a
// user, an IP address or an endpoint: the name is hashed into a palette chosen
// for legibility on white, so a name keeps its color on every page, in every
// process and on every run. Two names may share a color; a chart that shows
// several series also labels them in a legend.
func Color(name string) string {
	i := int(hashName(name) % uint32(paletteSize))
	return palette[i*7 : i*7+7]
}

// hashName is FNV-1a followed by a finalizing mix, so that names differing in
// their last character only ("v1.0.1", "v1.0.2") still land far apart.
func hashName(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	h ^= h >> 16
	h *= 0x7feb352d
	h ^= h >> 15
	h *= 0x846ca68b
	h ^= h >> 16
	return h
}
