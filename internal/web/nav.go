package web

// navItem is an entry of the menu.
type navItem struct {
	Path  string // under the link
	Label string
	admin bool
}

// menu lists the pages in the menu, in order. Pages added later (outliers,
// errors, tests, reports) add a line here and a route in routes.go.
func menu() []navItem {
	return []navItem{
		{"/", "Overview", false},
		{"/endpoints", "Endpoints", false},
		{"/versions", "Versions", false},
		{"/outliers", "Outliers", false},
		{"/errors", "Errors", false},
		{"/profile", "Profiles", false},
		{"/report", "Report", false},
		{"/tests", "Tests", false},
		{"/benchmarks", "Benchmarks", false},
		{"/export", "Export", true},
		{"/settings", "Settings", true},
		{"/users", "Users", true},
	}
}

func (s *Server) nav(u *login) []navItem {
	if u == nil {
		return nil
	}
	out := make([]navItem, 0, len(menu()))
	for _, it := range menu() {
		if !it.admin || u.Admin() {
			out = append(out, it)
		}
	}
	return out
}
