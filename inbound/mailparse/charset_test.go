package mailparse

import (
	"encoding/base64"
	"strings"
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
)

// TestCharsets checks that subjects, display names and bodies in the
// charsets customers actually use arrive as readable text.
func TestCharsets(t *testing.T) {
	tests := []struct {
		file, subject, fromName, text string
	}{
		{"iso-2022-jp.eml", "ログインできません", "山田太郎", "パスワードを忘れました。"},
		{"shift_jis.eml", "請求書について", "", "請求書が届いていません。"},
		{"euc-kr.eml", "로그인 문제", "", "로그인이 되지 않습니다."},
		{"gb18030.eml", "无法登录账户", "王伟", "您好，我的账户无法登录，请帮忙。"},
		{"big5.eml", "帳號無法登入", "", "您好，我無法登入我的帳號。"},
		{"koi8-r.eml", "Не работает вход", "Иван Петров", "Здравствуйте! Не могу войти в систему."},
		{"windows-1252.eml", "Pricing", "Jane", "The price is 20€ – “final”, isn’t it?"},
		{"iso-8859-1-qp-subject.eml", "Café crème à la carte", "Renée François", "Bonjour, le café est froid."},
		{"plain.eml", "No puedo iniciar sesión", "María López", "¿Pueden ayudarme?"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			in := fixture(t, tt.file)
			if in.Subject != tt.subject {
				t.Errorf("Subject = %q, want %q", in.Subject, tt.subject)
			}
			if in.From.Name != tt.fromName {
				t.Errorf("From.Name = %q, want %q", in.From.Name, tt.fromName)
			}
			if !strings.Contains(in.Text, tt.text) {
				t.Errorf("Text = %q, want it to contain %q", in.Text, tt.text)
			}
		})
	}
}

// TestCharsetFallback: an unknown charset must not cost the message; its
// bytes are read as toUTF8 detects (a lone 8-bit byte: windows-1252).
func TestCharsetFallback(t *testing.T) {
	in := fixture(t, "unknown-charset.eml")
	if in.Subject != "Hi there" {
		t.Errorf("Subject = %q, want the encoded-word decoded despite its unknown charset", in.Subject)
	}
	if want := "Readable ascii and a bad byte ÿ here."; !strings.Contains(in.Text, want) {
		t.Errorf("Text = %q, want it to contain %q", in.Text, want)
	}
}

func TestCharsetMissingOnHTMLUsesMeta(t *testing.T) {
	raw := append(rawMail(
		"From: a@example.com",
		"Subject: meta",
		"Content-Type: text/html",
		"",
	), []byte("<html><head><meta charset=\"iso-8859-1\"></head><body><p>Caf\xe9</p></body></html>\r\n")...)
	in := mustParse(t, raw)
	if !strings.Contains(in.HTML, "Café") || in.Text != "Café" {
		t.Errorf("HTML = %q, Text = %q; want Café decoded by the meta charset", in.HTML, in.Text)
	}
}

// TestCharsetFamilies encodes text in each single-byte charset family that
// customers send and checks that subject and body come back intact.
func TestCharsetFamilies(t *testing.T) {
	tests := []struct {
		name string
		enc  encoding.Encoding
		text string
	}{
		{"ISO-8859-2", charmap.ISO8859_2, "Zażółć gęślą jaźń"},
		{"ISO-8859-5", charmap.ISO8859_5, "Привет мир"},
		{"ISO-8859-7", charmap.ISO8859_7, "Καλημέρα σας"},
		{"ISO-8859-9", charmap.ISO8859_9, "Şifremi unuttum"},
		{"ISO-8859-15", charmap.ISO8859_15, "Prix: 20€"},
		{"windows-1250", charmap.Windows1250, "Dobrý den, Šárka"},
		{"windows-1251", charmap.Windows1251, "Добрый день"},
		{"windows-1253", charmap.Windows1253, "Ευχαριστώ"},
		{"windows-1256", charmap.Windows1256, "شكرا"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.enc.NewEncoder().Bytes([]byte(tt.text))
			if err != nil {
				t.Fatal(err)
			}
			word := "=?" + tt.name + "?B?" + base64.StdEncoding.EncodeToString(b) + "?="
			raw := append(rawMail("From: a@x", "Subject: "+word, "Content-Type: text/plain; charset="+tt.name, ""), b...)
			in := mustParse(t, raw)
			if in.Subject != tt.text || in.Text != tt.text {
				t.Errorf("Subject = %q, Text = %q, want %q", in.Subject, in.Text, tt.text)
			}
		})
	}
}
