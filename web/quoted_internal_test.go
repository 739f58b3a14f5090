package web

import (
	"strings"
	"testing"
)

func TestSplitQuotedText(t *testing.T) {
	tests := []struct {
		name, text, fresh, quotedStart string // quotedStart "" means nothing is folded
	}{
		{"gmail english, attribution wrapped",
			"Thanks, that fixed it.\n\nOn Mon, 30 Nov 2026 at 10:02, Support <support@example.com>\nwrote:\n\n> Please restart the router.\n",
			"Thanks, that fixed it.\n", "On Mon, 30 Nov 2026"},
		{"spanish", "Gracias.\n\nEl lun, 30 nov 2026 a las 10:02, Soporte <s@example.com> escribió:\n> Reinicie el router.\n",
			"Gracias.\n", "El lun"},
		{"german", "Danke.\n\nAm 30.11.2026 um 10:02 schrieb Support <s@example.com>:\n> Bitte neu starten.\n",
			"Danke.\n", "Am 30.11"},
		{"french", "Merci.\n\nLe lun. 30 nov. 2026 à 10:02, Support <s@example.com> a écrit :\n> Redémarrez.\n",
			"Merci.\n", "Le lun."},
		{"outlook original message", "It works now.\n\n-----Original Message-----\nFrom: Support\nSent: Monday\n\nRestart it.\n",
			"It works now.\n", "-----Original Message-----"},
		{"outlook header block", "It works now.\n\n________________________________\nFrom: Support <s@example.com>\nSent: Monday, November 30, 2026 10:02\nTo: Ana\nSubject: RE: Router\n\nRestart it.\n",
			"It works now.\n", "________"},
		{"quoted lines to the end", "Yes, please.\n\n> Shall we replace it?\n> Regards\n", "Yes, please.\n", "> Shall"},
		{"signature", "Please call me.\n\n-- \nAna Pérez\nACME\n", "Please call me.\n", "-- "},
		{"interleaved answers stay open", "> Is it on?\nYes.\n> Blinking?\nNo.\n", "", ""},
		{"nothing new: a bare quote shows whole", "> only a quote\n> of the earlier mail\n", "", ""},
		{"plain mail", "Hello,\nmy printer is broken.\n", "", ""},
		{"'on' inside a sentence is no attribution", "Turn it on, then wait until it wrote: ready\n", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fresh, quoted := splitQuotedText(tt.text)
			if tt.quotedStart == "" {
				if quoted != "" || fresh != tt.text {
					t.Errorf("folded %q, want the text whole", quoted)
				}
				return
			}
			if fresh != tt.fresh || !strings.HasPrefix(quoted, tt.quotedStart) {
				t.Errorf("fresh %q, quoted %q; want %q and a quote starting %q", fresh, quoted, tt.fresh, tt.quotedStart)
			}
			if strings.TrimRight(fresh, "\n") != strings.TrimRight(tt.text[:strings.Index(tt.text, tt.quotedStart)], "\n") {
				t.Errorf("text lost between fresh %q and quoted %q", fresh, quoted)
			}
		})
	}
}

func TestSplitQuotedHTML(t *testing.T) {
	tests := []struct {
		name, html, fresh, quoted string // quoted "" means nothing is folded
	}{
		{"gmail", `<div dir="ltr">Thanks, fixed.</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Mon, 30 Nov 2026 at 10:02 Support &lt;s@example.com&gt; wrote:<br></div><blockquote class="gmail_quote">Restart the router.</blockquote></div>`,
			"Thanks, fixed.", "Restart the router."},
		{"gmail signature", `<div dir="ltr">Call me.<br clear="all"><div><br></div>-- <br><div dir="ltr" class="gmail_signature">Ana, ACME</div></div>`,
			"Call me.", "Ana, ACME"},
		{"outlook web", `<div>It works now.</div><div id="appendonsend"></div><hr style="display:inline-block;width:98%" tabindex="-1"><div id="divRplyFwdMsg" dir="ltr"><b>From:</b> Support<br><b>Sent:</b> Monday</div><div>Restart it.</div>`,
			"It works now.", "Restart it."},
		{"outlook desktop", `<div class="WordSection1"><p class="MsoNormal">It works now.</p><div><div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm"><p class="MsoNormal"><b>From:</b> Support<br><b>Sent:</b> Monday</p></div></div><p class="MsoNormal">Restart it.</p></div>`,
			"It works now.", "Restart it."},
		{"original message line", `<p>It works now.</p><p>-----Original Message-----</p><p>Restart it.</p>`, "It works now.", "Restart it."},
		{"apple", `<div>Works.</div><div><br><blockquote type="cite"><div>On 30 Nov 2026, at 10:02, Support wrote:</div><div>Restart it.</div></blockquote></div>`,
			"Works.", "Restart it."},
		{"thunderbird", `<p>Works.</p><div class="moz-cite-prefix">On 30/11/2026 10:02, Support wrote:<br></div><blockquote type="cite">Restart it.</blockquote><div class="moz-signature">Ana</div>`,
			"Works.", "Restart it."},
		{"nothing new", `<div class="gmail_quote">only the quote</div>`, "", ""},
		{"plain html", `<p>Hello, my <b>printer</b> is broken.</p>`, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fresh, quoted := splitQuotedHTML(tt.html)
			if tt.quoted == "" {
				if quoted != "" || fresh != tt.html {
					t.Errorf("folded %q, want the HTML whole", quoted)
				}
				return
			}
			if !strings.Contains(fresh, tt.fresh) || strings.Contains(fresh, tt.quoted) {
				t.Errorf("fresh %q, want %q without %q", fresh, tt.fresh, tt.quoted)
			}
			if !strings.Contains(quoted, tt.quoted) || strings.Contains(quoted, tt.fresh) {
				t.Errorf("quoted %q, want %q without %q", quoted, tt.quoted, tt.fresh)
			}
		})
	}
}
