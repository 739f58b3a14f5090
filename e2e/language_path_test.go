package e2e

import (
	"fmt"
	"net/smtp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// gmailSpanish is a mail as Gmail sends it: multipart/alternative, a
// Gmail Message-ID, and no Content-Language or Accept-Language header.
func gmailSpanish(from, subject, text string) []byte {
	html := "<div dir=\"ltr\">" + strings.ReplaceAll(text, "\n", "<br>") + "</div>"
	return []byte(strings.ReplaceAll(fmt.Sprintf(`MIME-Version: 1.0
Date: %s
Message-ID: <CAJ%s@mail.gmail.com>
Subject: %s
From: Lucía Pérez <%s>
To: %s
Content-Type: multipart/alternative; boundary="000000000000a1b2c3d4e5f6"

--000000000000a1b2c3d4e5f6
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: 8bit

%s

--000000000000a1b2c3d4e5f6
Content-Type: text/html; charset="UTF-8"
Content-Transfer-Encoding: 8bit

%s

--000000000000a1b2c3d4e5f6--
`, time.Now().Format(time.RFC1123Z), randomHex(12), subject, from, supportAddr, text, html), "\n", "\r\n"))
}

// TestLanguagePath: a Spanish customer writing from Gmail (no language
// headers) is acknowledged in Spanish and served the site in Spanish; once
// they switch the site to English, the next alert is in English. On a phone
// the ticket's long unbroken subject wraps instead of widening the page.
func TestLanguagePath(t *testing.T) {
	t.Parallel()
	beginTest(t)
	p := startProduct(t)
	customer := "lucia-" + randomHex(3) + "@example.org"
	subject := "No puedo entrar con el código ERROR_AUTENTICACION_" + strings.Repeat("X", 60)
	raw := gmailSpanish(customer, subject, "Hola,\n\nno puedo entrar en mi cuenta desde ayer. Me sale un error "+
		"cuando pongo la contraseña. ¿Me pueden ayudar?\n\nGracias,\nLucía")
	if err := smtp.SendMail(p.SMTPAddr, nil, customer, []string{supportAddr}, raw); err != nil {
		t.Fatal(err)
	}
	ack, number := p.WaitAck(t, customer)
	if !strings.HasPrefix(ack.Subject, fmt.Sprintf("Recibimos tu solicitud [#%d]: No puedo entrar", number)) ||
		!strings.Contains(ack.Text, "Gracias por escribirnos") {
		t.Fatalf("acknowledgement of a Spanish Gmail mail: %q\n%s", ack.Subject, ack.Text)
	}

	c := newBrowser(t, "customer")
	c.Open(ack.Links[0], "#send-code")
	if got := c.Text("#send-code"); got == "Send me a code" {
		t.Errorf("the link page of a Spanish customer is in English")
	}
	c.Click("#send-code", "#code")
	code := p.WaitMail(t, customer, "sign-in code email", func(m sentMail) bool { return strings.Contains(m.Text, "código") })
	c.Type("#code", oneTimeCode(t, code))
	c.Click("#check-code", "#conversation")
	c.WaitText("#reply-send", "Enviar respuesta", pageWait)
	c.Do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	c.WaitText("#ticket-subject", "ERROR_AUTENTICACION_", pageWait)
	if c.ScrollsSideways(390) {
		t.Error("on a 390px wide phone the long unbroken subject makes the ticket page scroll sideways")
	}
	c.Shot("ticket-in-spanish-on-phone")
	c.Click(`a[hreflang="en"]`, "#reply-send")
	c.WaitText("#reply-send", "Send reply", pageWait)
	c.Shot("ticket-switched-to-english")

	a := newBrowser(t, "agent")
	signInAgent(a, p)
	a.Open(fmt.Sprintf("%s/agent/tickets/%d", p.BaseURL, number), "#thread")
	a.Type("#reply-text", "Hola Lucía, ya restablecimos tu acceso.")
	a.Click("#action-reply", "#thread")
	replied := p.WaitMail(t, customer, "alert for the reply", func(m sentMail) bool {
		return strings.Contains(m.Subject, fmt.Sprintf("[#%d]", number)) && m.ID != ack.ID
	})
	checkUpdateAlert(t, replied, "We replied to your request", number)
	if !strings.Contains(replied.Text, "The support team replied") {
		t.Errorf("after switching the site to English the alert is not in English:\n%s", replied.Text)
	}
}
