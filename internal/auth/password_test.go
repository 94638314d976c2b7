package auth_test

import (
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/mifmaroc/erp/internal/auth"
	"github.com/mifmaroc/erp/internal/domain"
)

func TestCheckPassword(t *testing.T) {
	tests := []struct {
		name string
		pw   string
		ok   bool
	}{
		{"TooShort", "elevenchars", false},
		{"Shortest", "twelve chars", true},
		{"Longest", strings.Repeat("a", 128), true},
		{"TooLong", strings.Repeat("a", 129), false},
		{"MultibyteCountsCharacters", strings.Repeat("é", 12), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := auth.CheckPassword(tt.pw)
			if (err == nil) != tt.ok {
				t.Fatalf("CheckPassword(%d chars) = %v, want ok=%t", len([]rune(tt.pw)), err, tt.ok)
			}
			if err != nil {
				if e, ok := domain.AsError(err); !ok || e.Code != domain.CodeBadUserInput {
					t.Errorf("error %v is not BAD_USER_INPUT", err)
				}
			}
		})
	}
}

func TestHashAndVerify(t *testing.T) {
	long := strings.Repeat("é", 100) // 200 bytes: beyond bcrypt's 72
	tests := []struct {
		name, pw, other string
	}{
		{"Ascii", "correct horse battery", "correct horse batterY"},
		// Two long passwords that share their first 72 bytes must not verify each other.
		{"BeyondBcryptLimit", long + "a", long + "b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := auth.HashPassword(tt.pw, bcrypt.MinCost)
			if err != nil {
				t.Fatal(err)
			}
			if !auth.VerifyPassword(h, tt.pw) {
				t.Error("the password does not verify against its own hash")
			}
			if auth.VerifyPassword(h, tt.other) {
				t.Error("another password verifies")
			}
		})
	}
}

func TestGeneratePassword(t *testing.T) {
	a, b := auth.GeneratePassword(), auth.GeneratePassword()
	if a == b {
		t.Error("two generated passwords are equal")
	}
	if err := auth.CheckPassword(a); err != nil {
		t.Errorf("generated password breaks the policy: %v", err)
	}
}
