package outlier

import (
	"slices"
	"testing"
)

// TestSecretNames is the built-in rule on names of headers, query and form
// values: words, not substrings.
func TestSecretNames(t *testing.T) {
	hidden := []string{
		// passwords
		"password", "Password", "pwd", "passwd", "new_password", "newPassword", "newpassword", "password_confirmation",
		"passphrase", "user.pass", "X-Passcode",
		// tokens and keys
		"token", "access_token", "accessToken", "refresh-token", "X-Auth-Token", "X-Amz-Security-Token", "id_token",
		"csrf_token", "csrfmiddlewaretoken", "_csrf", "X-CSRF-Token", "X-XSRF-TOKEN", "X-Jwt", "jwt", "bearer",
		"apikey", "api_key", "apiKey", "APIKey", "X-API-Key", "x-api-key", "api.key", "X-Goog-Api-Key",
		"private_key", "privateKey", "aws_secret_access_key", "client_secret", "clientSecret", "secret",
		"key", "code", "sig", "signature", "X-Hub-Signature-256", "Stripe-Signature", "DPoP",
		// cards and identity
		"card", "credit_card", "creditCard", "card_number", "cardNumber", "cvv", "cvv2", "CVC", "security_code",
		"ssn", "pin", "otp", "totp_code", "mfa",
		// sessions and authentication
		"session", "sessionid", "session_id", "PHPSESSID", "JSESSIONID", "sid", "cookie", "Cookie", "Set-Cookie",
		"auth", "Authorization", "Proxy-Authorization", "X-Auth", "WWW-Authenticate-Credentials", "credentials",
	}
	shown := []string{
		"author", "authority", "cardinality", "keyword", "keywords", "user", "username", "email", "page", "sort",
		"q", "lang", "Accept", "Content-Type", "User-Agent", "X-Request-Id", "zip_code", "primary_key", "sort_key",
		"monkey", "passage", "compass", "bypass", "spinner", "pinned", "options", "secretary", "tokenizer", "cards_total",
		"Host", "Referer", "", "-", "Ünïcödé",
	}
	if len(hidden) < 40 || len(shown) < 10 {
		t.Fatalf("%d hidden and %d shown names: the table is too small", len(hidden), len(shown))
	}
	red, err := NewRedactor(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range hidden {
		if !red.Secret(name) {
			t.Errorf("%q is shown, want hidden", name)
		}
	}
	for _, name := range shown {
		if red.Secret(name) {
			t.Errorf("%q is hidden (words %q), want shown", name, words(name))
		}
	}
}

func TestWords(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"X-API-Key", []string{"x", "api", "key"}},
		{"APIKey", []string{"api", "key"}},
		{"creditCardNumber", []string{"credit", "card", "number"}},
		{"cvv2", []string{"cvv", "2"}},
		{"a.b_c-d e[f]", []string{"a", "b", "c", "d", "e", "f"}},
		{"HTTPServer", []string{"http", "server"}},
		{"--", nil},
	}
	for _, c := range cases {
		if got := words(c.in); !slices.Equal(got, c.want) {
			t.Errorf("words(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
