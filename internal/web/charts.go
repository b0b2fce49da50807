package web

import "net/http"

// The chart slots of the pages. internal/query computes what the charts
// show and internal/chart draws them; until both are wired in here, the
// pages show their tables only.

func (s *Server) overviewCharts(r *http.Request, rows []endpointRow) []Chart { return nil }

func (s *Server) endpointCharts(r *http.Request, endpoint string, w window) []Chart { return nil }

func (s *Server) versionsCharts(r *http.Request, w window) []Chart { return nil }
