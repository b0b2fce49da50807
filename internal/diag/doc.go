// Package diag is the read side of outliers, panics and profiles: the
// models the pages and the JSON API show (outliers against their
// endpoint's average with stacks folded for reading, panic groups with
// server errors, merged profiles as call trees and tables, version
// comparisons). It reads through store only; internal/web serves them.
package diag
