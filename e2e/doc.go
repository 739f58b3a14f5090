// Package e2e drives the built inboxdesk binary the way people use it: each
// test starts `inboxdesk demo` on its own database and ports, writes mail in
// over SMTP, reads what inboxdesk sent on the dev outbox page, and clicks
// through the web views in headless Chromium (Debian's chromium, driven with
// chromedp). Screenshots of every page go to test-output/e2e/TEST/ at the
// root of the repository.
//
// INBOXDESK_E2E_BINARY=PATH tests that binary instead of building
// ./cmd/inboxdesk. Without chromium (or swaks) the tests skip, unless
// INBOXDESK_REQUIRE_CHROMIUM=1 makes them fail (CI sets it; `make deps`
// installs chromium and swaks).
package e2e
