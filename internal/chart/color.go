package chart

import "sort"

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
// process and on every run. Two names may share a color; a chart that would
// show both moves one of them to another color (see Series.Color).
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

// seriesColors returns the color of each of a chart's series: the given
// color when set, else Color(name). Two names that hash to the same or to
// neighbouring colors in one chart would be hard to tell apart, so all but
// the first of them (in name order, so the outcome depends only on the set
// of names) take the free palette color farthest in hue from those in use. A name is shown
// in the same color wherever the same names meet, which is the common case
// on one page (the same versions, the same users).
func seriesColors(names, given []string) []string {
	out := make([]string, len(names))
	var used [paletteSize]bool
	var auto []string
	for i, n := range names {
		g := ""
		if i < len(given) {
			g = given[i]
		}
		if g != "" {
			out[i] = safeColor(g, n)
			if k := paletteIndex(out[i]); k >= 0 {
				used[k] = true
			}
			continue
		}
		auto = append(auto, n)
	}
	if len(auto) == 0 {
		return out
	}
	sort.Strings(auto)
	assigned := make(map[string]int, len(auto))
	for _, n := range auto {
		if _, ok := assigned[n]; ok {
			continue
		}
		k := int(hashName(n) % uint32(paletteSize))
		// Neighbouring palette colors are distinct but close; move away
		// from a taken neighbour too, when a better slot is still free.
		if d := nearestUsed(&used, k); d < 2 {
			if f := farthestFree(&used, k); f != k && (d == 0 || nearestUsed(&used, f) >= 2) {
				k = f
			}
		}
		used[k] = true
		assigned[n] = k
	}
	for i, n := range names {
		if out[i] == "" {
			k := assigned[n]
			out[i] = palette[k*7 : k*7+7]
		}
	}
	return out
}

// nearestUsed returns the distance around the hue circle from slot k to the
// nearest used slot (0 when k is used, paletteSize when none is).
func nearestUsed(used *[paletteSize]bool, k int) int {
	d := paletteSize
	for j := 0; j < paletteSize; j++ {
		if used[j] {
			dist := (k - j + paletteSize) % paletteSize
			d = min(d, dist, paletteSize-dist)
		}
	}
	return d
}

// farthestFree returns the unused palette slot whose nearest used slot is
// farthest away around the hue circle (the palette runs in hue order), or
// want itself when every slot is taken.
func farthestFree(used *[paletteSize]bool, want int) int {
	best, bestD := want, -1
	for off := 1; off < paletteSize; off++ {
		k := (want + off) % paletteSize
		if used[k] {
			continue
		}
		if d := nearestUsed(used, k); d > bestD {
			best, bestD = k, d
		}
	}
	return best
}

func paletteIndex(c string) int {
	for k := 0; k < paletteSize; k++ {
		if palette[k*7:k*7+7] == c {
			return k
		}
	}
	return -1
}
