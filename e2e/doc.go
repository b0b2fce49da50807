// Package e2e holds the dashboard's browser test: the demo, opened in
// headless Chromium and driven through every page. It is a module of its
// own so that the dashboard's module does not require the browser driver.
package e2e
