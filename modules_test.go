package dashboard

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestModuleGraphHasNoRouter keeps the routers in the adapters' own
// modules, and the database server drivers in store/postgres and
// store/mysql, the browser driver in e2e, and other projects' middleware
// that the benchmarks compare with in bench/peers: a plain net/http user's
// build must not download any of them.
func TestModuleGraphHasNoRouter(t *testing.T) {
	cmd := exec.Command("go", "list", "-m", "all")
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list -m all: %v\n%s", err, out)
	}
	for _, router := range []string{"github.com/go-chi/chi", "github.com/gin-gonic/gin", "github.com/labstack/echo", "github.com/gorilla/mux",
		"github.com/jackc/pgx", "github.com/go-sql-driver/mysql", "github.com/chromedp", "github.com/prometheus"} {
		if strings.Contains(string(out), router) {
			t.Errorf("the root module's graph holds %s", router)
		}
	}
}
