package dashboard

import (
	"os"
	"strings"
	"testing"

	"github.com/go-monitoring-dashboard/dashboard/internal/config"
)

// TestReadmeDocumentsEveryKey fails when the README's configuration table
// drifts from the keys the program reads.
func TestReadmeDocumentsEveryKey(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), config.MarkdownTable()) {
		t.Errorf("README.md does not contain the current configuration table; paste config.MarkdownTable() into it:\n%s", config.MarkdownTable())
	}
}
