package chart

import "html/template"

// Heatmap is a grid of cells colored by value, such as hour of day (rows)
// by the last 30 days (columns), color = number of requests.
type Heatmap struct {
	Title   string
	Columns []string    // x labels, left to right (dates)
	Rows    []string    // y labels, top to bottom ("00".."23")
	Values  [][]float64 // [row][column]; NaN or a missing entry = no value
	Unit    string      // of the values, for the legend and hovers: "requests"

	// ColumnName and RowName, when set, name the axes ("day", "hour") and
	// prefix the labels in each cell's hover title.
	ColumnName, RowName string
}

// SVG renders the heatmap.
func (h Heatmap) SVG() template.HTML { return noData("heatmap", h.Title) }
