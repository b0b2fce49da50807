// Package chart draws the dashboard's charts on the server as SVG, to be
// placed inline in a page: no JavaScript library, no CDN, nothing third-party.
//
// Each chart type is a plain struct filled by the caller; its SVG method
// returns a self-contained <svg> element that scales to its container
// (viewBox), carries an accessible name (role="img", aria-label, <title>),
// and gives every mark a <title> with its exact values so the browser shows
// them on hover. Colors come from Color, so a version, user, IP or endpoint
// keeps its color on every page.
//
//	svg := chart.Bars{
//		Title:  "Requests per hour",
//		Labels: []string{"09", "10", "11"},
//		Series: []chart.Series{{Name: "requests", Values: []float64{12, 40, 31}}},
//		Unit:   "requests",
//	}.SVG()
//
// The output holds no <script>, no event-handler attributes and no style
// attributes, so it works under a Content-Security-Policy without
// 'unsafe-inline'. Looks are set by presentation attributes that any
// stylesheet overrides, and by class names (all prefixed "gmd-") that CSS,
// the stylesheet to serve with the page, styles. Script, served as a static
// file, zooms the flame graph on click through its data-* attributes.
//
// Every chart is drawn in a viewBox 960 units wide (the height follows the
// content) and is meant to be shown at about that width: text is 12 units
// high, so a chart squeezed to half the width has 6-pixel text.
//
// Every string that reaches the output is escaped, and text that cannot
// appear in XML (control characters, invalid UTF-8) is replaced, because
// endpoint names, user names and addresses come from outside. No input makes
// a chart panic or write a non-finite coordinate: missing data gives a "no
// data" message, NaN values leave gaps, and long or numerous labels are
// shortened or thinned with the full text kept in the hover title.
//
// The output is a pure function of the input, so golden files stay stable.
package chart
