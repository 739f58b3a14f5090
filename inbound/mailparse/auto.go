package mailparse

import (
	"strings"

	"github.com/emersion/go-message/textproto"

	"inboxdesk/ticket"
)

// autoCheck returns why a message looks machine-generated, or "".
type autoCheck func(h textproto.Header, from ticket.Address) string

// autoChecks run in order; the first reason found is reported.
var autoChecks = []autoCheck{
	autoSubmittedHeader,
	precedenceHeader,
	autoreplyHeaders,
	emptyReturnPath,
	machineSender,
	listHeaders,
}

// autoReason says why the mail is judged machine-generated ("" when a person
// wrote it). X-Auto-Response-Suppress alone is not a sign: Outlook sets it on
// ordinary mail.
func autoReason(h textproto.Header, from ticket.Address, rep report) string {
	// Our own loop header is the surest sign, a report the most specific.
	if h.Has(ticket.LoopHeader) {
		return "our own loop header"
	}
	if rep.dsn {
		return "delivery status notification"
	}
	if rep.kind != "" {
		return "report: " + rep.kind
	}
	for _, check := range autoChecks {
		if reason := check(h, from); reason != "" {
			return reason
		}
	}
	return ""
}

// autoSubmittedHeader applies RFC 3834: any value but "no" (out-of-office
// replies say "auto-replied").
func autoSubmittedHeader(h textproto.Header, _ ticket.Address) string {
	if !h.Has("Auto-Submitted") {
		return ""
	}
	v := strings.ToLower(firstWord(h.Get("Auto-Submitted")))
	switch v {
	case "no":
		return ""
	case "":
		return "auto-submitted"
	}
	return "auto-submitted: " + v
}

func precedenceHeader(h textproto.Header, _ ticket.Address) string {
	switch v := strings.ToLower(firstWord(h.Get("Precedence"))); v {
	case "bulk", "junk", "list":
		return "precedence: " + v
	}
	return ""
}

func autoreplyHeaders(h textproto.Header, _ ticket.Address) string {
	for _, k := range []string{"X-Autoreply", "X-Autorespond", "X-Autoresponder"} {
		if h.Has(k) {
			return strings.ToLower(k) + " header"
		}
	}
	return ""
}

// emptyReturnPath: the null reverse-path is reserved for mail that must not
// be answered (bounces, receipts).
func emptyReturnPath(h textproto.Header, _ ticket.Address) string {
	for _, v := range h.Values("Return-Path") {
		if strings.Trim(v, " \t<>") == "" {
			return "empty return-path"
		}
	}
	return ""
}

func machineSender(h textproto.Header, from ticket.Address) string {
	candidates := []string{from.Email, h.Get("Sender"), h.Get("Return-Path")}
	for _, c := range candidates {
		local := strings.ToLower(localPart(c))
		if local == "mailer-daemon" || local == "postmaster" {
			return "sent by " + local
		}
	}
	return ""
}

// localPart returns the part before "@" of "Name <local@domain>" or
// "local@domain".
func localPart(v string) string {
	if i := strings.LastIndexByte(v, '<'); i >= 0 {
		v = v[i+1:]
	}
	at := strings.LastIndexByte(v, '@')
	if at < 0 {
		return ""
	}
	v = v[:at]
	if i := strings.LastIndexAny(v, " \t\""); i >= 0 {
		v = v[i+1:]
	}
	return v
}

func listHeaders(h textproto.Header, _ ticket.Address) string {
	if h.Has("List-Id") || h.Has("List-Unsubscribe") {
		return "mailing list"
	}
	return ""
}
