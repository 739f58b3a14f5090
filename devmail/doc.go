// Package devmail runs an in-process mail server for tests and for
// `inboxdesk demo`: an IMAP server (go-imap's in-memory backend) holding one
// user's mailboxes, and an SMTP server (go-smtp) that captures the mail it is
// given, can deliver mail for configured support addresses into the IMAP
// INBOX, and can fail on purpose at a chosen stage so that retry paths can be
// tested.
//
// Both servers speak plain text without TLS and accept passwords over it;
// they are meant for loopback addresses only.
package devmail
