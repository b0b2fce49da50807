// Package version tells which version of the monitored service is running, so that every
// recorded request can be charted against the code that served it.
//
// The version comes from the first of these that is present:
//
//  1. APP_VERSION, as configured: the operator knows best.
//  2. The commit that HEAD points at in the configured GIT directory, for services deployed as a
//     checkout.
//  3. The vcs.revision that the Go toolchain embeds in the binary (with "-dirty" when the work
//     tree had uncommitted changes), for binaries built from a checkout.
//  4. "unknown".
//
// The git directory is read as plain files, without the git binary: a deployed service rarely
// has git installed, and running it on every start would be slow and fragile. Every read is
// bounded, so a damaged or hostile repository cannot exhaust memory or hang the service.
package version
