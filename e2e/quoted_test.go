package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// gmailReply is a reply as Gmail sends it: plain text and HTML, the quoted
// history under an attribution line and in a gmail_quote block.
func gmailReply(from, subject, fresh, old string) string {
	text := fresh + "\r\n\r\nOn Mon, 30 Nov 2026 at 10:02, Support <support@example.com>\r\nwrote:\r\n\r\n> " + old + "\r\n>\r\n"
	htm := `<div dir="ltr">` + fresh + `</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Mon, 30 Nov 2026 at 10:02, Support &lt;<a href="mailto:support@example.com">support@example.com</a>&gt; wrote:<br></div>` +
		`<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex">` + old + `</blockquote></div>`
	return alternative(from, subject, text, htm)
}

// outlookReply is a reply as Outlook on the web sends it: the quoted
// message under a rule and Outlook's divRplyFwdMsg header block.
func outlookReply(from, subject, fresh, old string) string {
	text := fresh + "\r\n\r\n________________________________\r\nFrom: Support <support@example.com>\r\nSent: Monday, November 30, 2026 10:02 AM\r\nTo: Customer\r\nSubject: " + subject + "\r\n\r\n" + old + "\r\n"
	htm := `<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body><div style="font-family: Calibri, Arial, Helvetica, sans-serif; font-size: 12pt;">` + fresh + `</div>` +
		`<div id="appendonsend"></div><hr style="display:inline-block;width:98%" tabindex="-1"><div id="divRplyFwdMsg" dir="ltr"><font face="Calibri, sans-serif" style="font-size:11pt"><b>From:</b> Support &lt;support@example.com&gt;<br><b>Sent:</b> Monday, November 30, 2026 10:02 AM<br><b>To:</b> Customer<br><b>Subject:</b> ` + subject + `</font><div>&nbsp;</div></div>` +
		`<div><p>` + old + `</p></div></body></html>`
	return alternative(from, subject, text, htm)
}

func alternative(from, subject, text, htm string) string {
	return fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%s@e2e.example.net>\r\nMIME-Version: 1.0\r\n"+
		"Content-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n--alt\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n"+
		"--alt\r\nContent-Type: text/html; charset=utf-8\r\n\r\n%s\r\n--alt--\r\n",
		from, supportAddr, subject, time.Now().Format(time.RFC1123Z), randomHex(8), text, htm)
}

// quotedCase is one reply and what the page must show of it.
type quotedCase struct {
	name, fresh, old string
	number           int64
}

// TestQuotedHistoryIsFolded: a Gmail-shaped and an Outlook-shaped reply show
// only what is new, in the agent's and in the customer's view, plain and
// formatted; the quoted history is one click away behind "Show quoted text".
func TestQuotedHistoryIsFolded(t *testing.T) {
	t.Parallel()
	beginTest(t)
	p := startProduct(t)
	customer := "quoting-" + randomHex(3) + "@example.org"
	cases := []*quotedCase{
		{name: "gmail", fresh: "The new router works, G-" + randomHex(3), old: "Please restart the old router, OLDG-" + randomHex(3)},
		{name: "outlook", fresh: "The invoice arrived, O-" + randomHex(3), old: "We sent the invoice today, OLDO-" + randomHex(3)},
	}
	seen := map[string]bool{}
	for _, c := range cases {
		subject := "Re: " + c.name + " " + randomHex(3)
		if c.name == "gmail" {
			p.SendRaw(t, customer, gmailReply(customer, subject, c.fresh, c.old))
		} else {
			p.SendRaw(t, customer, outlookReply(customer, subject, c.fresh, c.old))
		}
		ack := p.WaitMail(t, customer, "acknowledgement alert", func(m sentMail) bool {
			return strings.HasPrefix(m.Subject, "We received your support request") && !seen[m.ID]
		})
		seen[ack.ID], c.number = true, ticketNumber(t, ack)
	}

	a := newBrowser(t, "agent")
	signInAgent(a, p)
	for _, c := range cases {
		url := fmt.Sprintf("%s/agent/tickets/%d", p.BaseURL, c.number)
		a.Open(url, "#thread")
		checkFolded(a, "#thread", c, "agent-"+c.name+"-text")
		a.Click("#thread .toggle-format", "#thread .mail-html")
		checkFolded(a, "#thread", c, "agent-"+c.name+"-formatted")
	}

	b := newBrowser(t, "customer")
	b.Open(p.BaseURL+"/login", "#email")
	b.Type("#email", customer)
	b.Click("#send-code", "#code")
	b.Type("#code", oneTimeCode(t, p.WaitMail(t, customer, "sign-in code email", isCodeMail(""))))
	b.Click("#check-code", "main")
	for _, c := range cases {
		b.Open(fmt.Sprintf("%s/tickets/%d", p.BaseURL, c.number), "#conversation")
		checkFolded(b, "#conversation", c, "customer-"+c.name+"-text")
		b.Click("#conversation .toggle-format", "#conversation .mail-html")
		checkFolded(b, "#conversation", c, "customer-"+c.name+"-formatted")
	}
}

// checkFolded: the new text is visible, the quoted one is not until the
// toggle opens it.
func checkFolded(b *browser, list string, c *quotedCase, shot string) {
	b.t.Helper()
	b.WaitText(list, c.fresh, pageWait)
	visible := func() string {
		return get(b, chromedp.Evaluate[string](`document.querySelector("`+list+`").innerText`))
	}
	if text := visible(); strings.Contains(text, c.old) {
		b.t.Errorf("%s: the quoted history %q is shown before the toggle opens it", shot, c.old)
	}
	if got := b.Text(list + " details.quoted summary"); got != "Show quoted text" {
		b.t.Errorf("%s: the toggle reads %q, want \"Show quoted text\"", shot, got)
	}
	b.Shot(shot)
	b.Do(chromedp.Click(chromedp.CSS(list+" details.quoted summary"), chromedp.NodeVisible))
	b.WaitText(list+" details.quoted", c.old, pageWait)
	if text := visible(); !strings.Contains(text, c.old) {
		b.t.Errorf("%s: after the toggle the quoted history %q is still hidden", shot, c.old)
	}
	b.Shot(shot + "-opened")
}
