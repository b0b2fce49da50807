package chart

// CSS is the stylesheet for the charts, to be served with the page (as part
// of a static .css file, so that no inline style is needed). The charts look
// right without it, through presentation attributes; it adds hover feedback,
// tabular figures, crisp grid lines and the scaling to the container.
// Every rule is scoped to a gmd- class.
//
// The classes, for a page that styles the charts itself:
//
//	gmd-chart, gmd-chart-heatmap|bars|boxplot|bubble|lines|flame   the <svg>
//	gmd-title, gmd-empty ("No data"), gmd-tick, gmd-axis-title, gmd-label, gmd-note, gmd-count   text
//	gmd-axis, gmd-axis-x, gmd-axis-y, gmd-axis-right, gmd-grid, gmd-zero   axes and grid lines
//	gmd-legend, gmd-legend-item, gmd-legend-swatch, gmd-legend-line, gmd-legend-label,
//	gmd-scale, gmd-swatch (heatmap key), gmd-size-key, gmd-key-bubble (bubble key)
//	gmd-series (a <g> per series, with data-series="name")
//	gmd-cell, gmd-missing (heatmap); gmd-bar; gmd-line, gmd-area, gmd-points, gmd-point,
//	gmd-dense (points too close to show until hovered); gmd-box, gmd-whisker, gmd-iqr,
//	gmd-median, gmd-band (box plot); gmd-bubble; gmd-frame, gmd-frame-label, and
//	gmd-hidden, gmd-ancestor set by Script when zoomed (flame graph)
const CSS = `svg.gmd-chart{display:block;width:100%;max-width:100%;height:auto;overflow:visible;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
.gmd-chart text{font-variant-numeric:tabular-nums}
.gmd-title{fill:#111827;font-weight:600}
.gmd-tick,.gmd-axis-title,.gmd-note,.gmd-count{fill:#6b7280}
.gmd-label,.gmd-legend-label{fill:#1f2937}
.gmd-empty{fill:#9ca3af;font-size:14px}
.gmd-grid{stroke:#e5e7eb;shape-rendering:crispEdges}
.gmd-grid.gmd-zero{stroke:#9ca3af}
.gmd-cell{transition:opacity .1s}
.gmd-cell:hover,.gmd-swatch:hover{stroke:#111827;stroke-width:1.5}
.gmd-bar:hover{opacity:.8}
.gmd-point:hover{stroke:#fff;stroke-width:2;r:5px}
.gmd-points.gmd-dense .gmd-point:hover{fill-opacity:1}
.gmd-box:hover .gmd-iqr{fill-opacity:.45}
.gmd-bubble:hover{fill-opacity:.95;stroke:#111827}
.gmd-area:hover{fill-opacity:.9}
.gmd-frame{cursor:pointer}
.gmd-frame:hover rect{stroke:#111827;stroke-width:1}
.gmd-frame-label{fill:#1f2937;font-size:11px;pointer-events:none}
.gmd-frame.gmd-hidden{display:none}
.gmd-frame.gmd-ancestor rect{opacity:.45}
.gmd-legend-item{cursor:default}
`
