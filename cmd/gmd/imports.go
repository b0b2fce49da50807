package main

// The database server drivers, so that gmd serve opens postgres:// and
// mysql:// URLs as the services that write them do.
import (
	_ "github.com/go-monitoring-dashboard/dashboard/store/mysql"
	_ "github.com/go-monitoring-dashboard/dashboard/store/postgres"
)
