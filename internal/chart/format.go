package chart

import (
	"math"
	"strconv"
	"strings"
)

// Format renders a value with its unit for labels and hovers.
//
// Durations ("ms", or "s" for seconds) pick the unit a reader expects:
// "4.2 µs", "0.42 ms", "12 ms", "1.3 s", "2.5 min", "1.2 h". Percentages
// ("%") read "12.5%". Bytes ("B") use decimal prefixes: "1.2 MB". Any other
// unit is a count: "1,234 requests", "12.3k requests", "1.2M", with a unit
// ending in "s" made singular for exactly one ("1 request"). An empty unit
// gives the bare number. NaN reads "–", infinities "∞" and "-∞".
func Format(v float64, unit string) string {
	return string(appendFormat(nil, v, unit))
}

func appendFormat(b []byte, v float64, unit string) []byte {
	switch {
	case math.IsNaN(v):
		return append(b, "–"...)
	case math.IsInf(v, 1):
		return append(b, "∞"...)
	case math.IsInf(v, -1):
		return append(b, "-∞"...)
	}
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	switch unit {
	case "ms":
		return appendDuration(b, v)
	case "s":
		return appendDuration(b, v*1000)
	case "%":
		return append(appendCount(b, v), '%')
	case "B":
		return appendBytes(b, v)
	}
	return appendUnit(appendCount(b, v), v, unit)
}

// appendUnit writes the unit after a count, made singular for exactly one.
func appendUnit(b []byte, v float64, unit string) []byte {
	if unit == "" {
		return b
	}
	b = append(b, ' ')
	if v == 1 && len(unit) > 1 && unit[len(unit)-1] == 's' {
		unit = unit[:len(unit)-1]
	}
	return append(b, unit...)
}

// appendDuration formats a non-negative number of milliseconds. Each range
// is checked after rounding, so 999.7 ms reads "1 s", not "1000 ms".
func appendDuration(b []byte, ms float64) []byte {
	switch {
	case ms == 0:
		return append(b, "0 ms"...)
	case ms < 0.00995:
		return append(appendSig(b, ms*1000, 2), " µs"...)
	case ms < 0.995:
		return append(appendSig(b, ms, 2), " ms"...)
	case ms < 9.95:
		return append(appendFixed(b, ms, 1), " ms"...)
	case ms < 999.5:
		return append(appendFixed(b, ms, 0), " ms"...)
	case ms < 9950:
		return append(appendFixed(b, ms/1000, 1), " s"...)
	case ms < 59500:
		return append(appendFixed(b, ms/1000, 0), " s"...)
	case ms < 3570000:
		return append(appendFixed(b, ms/60000, 1), " min"...)
	case ms < 48*3600000:
		return append(appendFixed(b, ms/3600000, 1), " h"...)
	}
	return append(appendCount(b, ms/86400000), " d"...)
}

// appendCount formats a non-negative number: exact with thousands separators
// below ten thousand, then three significant digits with a suffix.
func appendCount(b []byte, v float64) []byte {
	if v < 9999.5 {
		switch {
		case v == math.Trunc(v) || v >= 100:
			return appendGrouped(b, math.Round(v))
		default:
			return appendSig(b, v, 3)
		}
	}
	for _, s := range [...]struct {
		div    float64
		suffix string
	}{{1e3, "k"}, {1e6, "M"}, {1e9, "B"}, {1e12, "T"}} {
		if x := v / s.div; x < 999.5 || s.suffix == "T" {
			if x >= 999.5 {
				return append(appendGrouped(b, math.Round(x)), s.suffix...)
			}
			return append(appendSig(b, x, 3), s.suffix...)
		}
	}
	return b // unreachable: the last suffix takes every value
}

func appendBytes(b []byte, v float64) []byte {
	units := [...]string{" B", " kB", " MB", " GB", " TB", " PB"}
	i := 0
	for v >= 999.5 && i < len(units)-1 {
		v /= 1000
		i++
	}
	if i == 0 {
		return append(appendGrouped(b, math.Round(v)), units[0]...)
	}
	return append(appendSig(b, v, 3), units[i]...)
}

// appendSig writes v (positive, finite) with n significant digits, trailing
// zeros removed.
func appendSig(b []byte, v float64, n int) []byte {
	if v == 0 {
		return append(b, '0')
	}
	d := n - 1 - int(math.Floor(math.Log10(v)))
	if d < 0 {
		d = 0
	}
	return appendFixed(b, v, d)
}

// appendFixed writes v with at most d decimals, trailing zeros removed, and
// thousands separators in the integer part.
func appendFixed(b []byte, v float64, d int) []byte {
	s := strconv.FormatFloat(v, 'f', d, 64)
	if strings.IndexByte(s, '.') >= 0 {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	intPart, frac, _ := strings.Cut(s, ".")
	b = appendThousands(b, intPart)
	if frac != "" {
		b = append(b, '.')
		b = append(b, frac...)
	}
	return b
}

// appendGrouped writes a whole, non-negative number with thousands separators.
func appendGrouped(b []byte, v float64) []byte {
	var digits [32]byte
	if v < 1e18 {
		return appendThousands(b, strconv.AppendInt(digits[:0], int64(v), 10))
	}
	return appendThousands(b, strconv.FormatFloat(v, 'f', 0, 64))
}

// appendThousands copies a string of digits, with a comma every three from
// the right.
func appendThousands[T string | []byte](b []byte, digits T) []byte {
	for i := 0; i < len(digits); i++ {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, digits[i])
	}
	return b
}

// appendExact formats a value for a hover title, where the reader asks for
// the number itself: counts in full ("12,345 requests", not "12.3k") and
// durations to three significant digits ("12.4 ms", "1.23 s").
func appendExact(b []byte, v float64, unit string) []byte {
	if !finite(v) || math.Abs(v) >= 1e15 {
		return appendFormat(b, v, unit)
	}
	switch unit {
	case "s":
		return appendExact(b, v*1000, "ms")
	case "ms":
		a := math.Abs(v)
		if a < 0.001 || a >= 59500 {
			return appendFormat(b, v, unit)
		}
		if v < 0 {
			b = append(b, '-')
		}
		if a >= 999.5 {
			return append(appendSig(b, a/1000, 3), " s"...)
		}
		return append(appendSig(b, a, 3), " ms"...)
	case "%", "B":
		return appendFormat(b, v, unit)
	}
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	switch {
	case v == math.Trunc(v) || v >= 1000:
		b = appendGrouped(b, math.Round(v))
	case v >= 100:
		b = appendFixed(b, v, 1)
	default:
		b = appendSig(b, v, 3)
	}
	return appendUnit(b, v, unit)
}
