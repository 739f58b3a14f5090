package mailparse

import (
	"fmt"
	"strings"

	"github.com/emersion/go-message/textproto"
	"github.com/emersion/go-msgauth/authres"

	"inboxdesk/ticket"
)

// SenderAuthFailure judges the sender of raw by the Authentication-Results
// field (RFC 8601) that the operator's own mail server added: the topmost
// one whose authserv-id is authservID (fields below it may come from the
// sender, who can write anything). It returns why the sender is taken as
// forged — DMARC failed, or, with no DMARC verdict, both DKIM and SPF
// failed — starting with ticket.SenderAuthReason, or "" when the mail passes
// or there is nothing to judge by (no such field, or authservID is "").
func SenderAuthFailure(raw []byte, authservID string) string {
	if authservID == "" {
		return ""
	}
	blk, err := splitHeader(raw, DefaultLimits().MaxHeaderBytes)
	if err != nil {
		return ""
	}
	return judgeSender(blk.header, authservID)
}

func judgeSender(h textproto.Header, authservID string) string {
	for f := h.FieldsByKey("Authentication-Results"); f.Next(); {
		id, results, _ := authres.Parse(strings.ToLower(f.Value()))
		if strings.EqualFold(id, authservID) {
			return authVerdict(results) // results parsed before an error still count
		}
	}
	return ""
}

// authVerdict reads one server's results: DMARC decides when it gave a
// verdict; without one, DKIM and SPF failing together mark a forgery.
func authVerdict(results []authres.Result) string {
	var dmarc, dkim, spf []authres.ResultValue
	from := ""
	for _, r := range results {
		switch r := r.(type) {
		case *authres.DMARCResult:
			dmarc = append(dmarc, r.Value)
			from = r.From
		case *authres.DKIMResult:
			dkim = append(dkim, r.Value)
		case *authres.SPFResult:
			spf = append(spf, r.Value)
		}
	}
	switch {
	case failed(dmarc):
		if from != "" { // the sender's words: made storable and kept short
			return fmt.Sprintf("%s: dmarc=fail (header.from=%s)", ticket.SenderAuthReason,
				truncateUTF8(cleanString(from), 200))
		}
		return ticket.SenderAuthReason + ": dmarc=fail"
	case passed(dmarc):
		return ""
	case failed(dkim) && failed(spf):
		return ticket.SenderAuthReason + ": dkim=fail and spf=fail, no DMARC verdict"
	}
	return ""
}

// failed reports whether some result failed and none passed.
func failed(vs []authres.ResultValue) bool { return has(vs, authres.ResultFail) && !passed(vs) }

func passed(vs []authres.ResultValue) bool { return has(vs, authres.ResultPass) }

func has(vs []authres.ResultValue, want authres.ResultValue) bool {
	for _, v := range vs {
		if v == want {
			return true
		}
	}
	return false
}
