package e2e

import (
	"fmt"
	"strings"
	"testing"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// TestPushSettings is issue 8's browser check: a signed-in customer sees
// the "Turn on notifications" control (and is told when the browser blocks
// notifications) and the notification settings, and the ticket link a push
// notification opens lands on the ticket page: at once in the signed-in
// browser, after the emailed code on a device without a session. (A push
// carries the same signed link as the alert email, built by link.URL; the
// demo cannot deliver a real push, as headless Chromium has no push
// service, so the test opens the email's link.)
func TestPushSettings(t *testing.T) {
	t.Parallel()
	beginTest(t)
	p := startProduct(t)
	customer := "pia-" + randomHex(3) + "@example.org"
	subject := "Invoice address " + randomHex(3)
	ack, number := p.WriteIn(t, customer, subject, "Please change the address on my invoices.\nPia")
	ticketPath := fmt.Sprintf("/tickets/%d", number)

	b := newBrowser(t, "customer")
	b.Open(p.BaseURL+"/login", "#email")
	b.Type("#email", customer)
	b.Click("#send-code", "#code")
	first := p.WaitMail(t, customer, "sign-in code email", isCodeMail(""))
	b.Type("#code", oneTimeCode(t, first))
	b.Click("#check-code", "#open-tickets")
	b.WaitText("#open-tickets", subject, pageWait)
	if !b.Has("#push") {
		b.Shot("my-tickets-without-push")
		t.Fatal("My tickets has no notifications control (#push)")
	}
	b.Do(chromedp.WaitVisible(chromedp.CSS("#push-enable")))
	if got := b.Text("#push-enable"); got != "Turn on notifications" {
		t.Errorf("the notifications control reads %q, want \"Turn on notifications\"", got)
	}
	b.Shot("my-tickets-push-control")
	// A person who blocked notifications for the site is told so.
	b.SetPermission(p.BaseURL, "notifications", cdpbrowser.PermissionSettingDenied)
	b.Do(chromedp.Click(chromedp.CSS("#push-enable"), chromedp.NodeVisible))
	b.WaitText("#push-status", "Your browser blocks notifications from this site.", pageWait)
	b.Shot("push-blocked")
	b.Click("#push-settings-link", "#push-settings")
	b.WaitText("#push-settings", "No device gets notifications yet.", pageWait)
	for _, choice := range []string{"email", "push", "both"} {
		if !b.Has("#channels-" + choice) {
			t.Errorf("the settings page offers no %q alert channel", choice)
		}
	}
	b.Shot("push-settings")

	// The notification opens the ticket's signed link (as the alert email does).
	pushURL := ack.Links[0]
	b.Open(pushURL, "#conversation")
	if loc := b.Location(); !strings.HasSuffix(loc, ticketPath) {
		t.Errorf("signed in, the push link went to %s, want the ticket page %s", loc, ticketPath)
	}
	b.Shot("push-link-signed-in")

	phone := newBrowser(t, "phone")
	phone.Open(pushURL, "#send-code")
	phone.Shot("push-link-new-device")
	phone.Click("#send-code", "#code")
	second := p.WaitMail(t, customer, "second sign-in code email", isCodeMail(first.ID))
	phone.Type("#code", oneTimeCode(t, second))
	phone.Click("#check-code", "#conversation")
	phone.WaitText("#conversation", "change the address on my invoices", pageWait)
	if loc := phone.Location(); !strings.HasSuffix(loc, ticketPath) {
		t.Errorf("after the code the push link went to %s, want the ticket page %s", loc, ticketPath)
	}
	phone.Shot("push-link-after-code")
}

// SetPermission answers the browser's permission prompt for name on origin
// in advance, as the person would in the site settings.
func (b *browser) SetPermission(origin, name string, setting cdpbrowser.PermissionSetting) {
	b.t.Helper()
	_, err := chromedp.CallBrowser(b.ctx, cdpbrowser.SetPermission, cdpbrowser.SetPermissionParams{
		Permission: &cdpbrowser.PermissionDescriptor{Name: name}, Setting: setting, Origin: origin,
		BrowserContextID: chromedp.FromContext(b.ctx).BrowserContextID})
	if err != nil {
		b.fail(fmt.Errorf("set permission %s: %w", name, err))
	}
}

// isCodeMail matches a sign-in code email other than the one with id not.
func isCodeMail(not string) func(sentMail) bool {
	return func(m sentMail) bool { return m.Subject == "Your one-time code" && m.ID != not }
}
