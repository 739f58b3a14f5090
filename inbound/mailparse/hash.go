package mailparse

import (
	"crypto/sha256"
	"strings"
)

// contentHash identifies a mail by what its sender wrote: the body and every
// header field but those the delivery path adds on the way (Received,
// Return-Path, Delivered-To, spam and authentication verdicts…). The same
// mail delivered twice — a sender's retry, or two addresses of one inbox —
// differs only there, so it has one hash and is ingested once.
func contentHash(blk headerBlock) []byte {
	h := sha256.New()
	fields := blk.header.Fields()
	for fields.Next() {
		if traceField(fields.Key()) {
			continue
		}
		raw, err := fields.Raw()
		if err != nil {
			raw = []byte(fields.Key() + ": " + fields.Value() + "\r\n")
		}
		h.Write(raw)
	}
	h.Write([]byte("\r\n"))
	h.Write(blk.body)
	return h.Sum(nil)
}

// traceFields are added or rewritten by the servers a mail passes through.
var traceFields = map[string]bool{
	"received": true, "return-path": true, "delivered-to": true, "x-original-to": true,
	"x-received": true, "received-spf": true, "authentication-results": true,
	"arc-seal": true, "arc-message-signature": true, "arc-authentication-results": true,
	"status": true, "x-status": true, "x-keywords": true, "x-uid": true, "content-length": true, "lines": true,
}

func traceField(key string) bool {
	k := strings.ToLower(key)
	return traceFields[k] || strings.HasPrefix(k, "x-spam") || strings.HasPrefix(k, "x-virus")
}
