package config

import "strings"

// MarkdownTable renders Keys() for docs/configuration.md, so the documentation is generated from the same
// table the code reads and cannot drift from it.
func MarkdownTable() string {
	var b strings.Builder
	b.WriteString("| Key | Default | Meaning |\n|---|---|---|\n")
	for _, k := range Keys() {
		def := "`" + k.Default + "`"
		switch {
		case k.Default == "":
			def = "(none)"
		case strings.HasPrefix(k.Default, "<"):
			def = strings.Trim(k.Default, "<>")
		}
		meaning := k.Description
		if k.Secret {
			meaning += " Secret: never shown or logged."
		}
		if k.FlaskSection != "" && k.FlaskSection != "dashboard" {
			meaning += " Flask files may put it under [" + k.FlaskSection + "]."
		}
		b.WriteString("| `" + envPrefix + k.Name + "` | " + cell(def) + " | " + cell(meaning) + " |\n")
	}
	return b.String()
}

// cell keeps text from breaking out of a table cell.
func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}
