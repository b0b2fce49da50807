// Package probe is the dashboard probed as an attacker and a careless
// client would: its tests run in CI with every other test.
//
//   - access: every route of web's route table (the one table that
//     registers routes, so no route can exist without an entry), as an
//     anonymous client, a guest, an admin and the SECURITY_TOKEN, checked
//     against the Access its line gives;
//   - changes: every POST route, and made-up methods on every path,
//     cross-origin and without a CSRF token;
//   - escaping: hostile strings through every input that reaches a page
//     (route and user names, versions, services, headers and stacks of
//     outliers, panic messages, CI uploads, parameters and form fields),
//     with the pages checked for the strings unescaped;
//   - growth: made-up methods, endpoint names, upload sizes, and many
//     users and addresses, with the name tables and memory checked to stay
//     bounded (raw rows grow with traffic by design).
//
// Each test logs its counts (routes, attempts, sinks).
package probe
