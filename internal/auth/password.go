// Package auth holds the rules of authentication: password policy and hashing, and the
// creation of the first administrator.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"github.com/mifmaroc/erp/internal/domain"
)

// Password policy.
const (
	MinPasswordLen = 12
	MaxPasswordLen = 128
)

// CheckPassword enforces the policy: 12 to 128 characters. Errors are BAD_USER_INPUT.
func CheckPassword(pw string) error {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinPasswordLen:
		return domain.Errorf(domain.CodeBadUserInput, "password too short: at least %d characters", MinPasswordLen)
	case n > MaxPasswordLen:
		return domain.Errorf(domain.CodeBadUserInput, "password too long: at most %d characters", MaxPasswordLen)
	}
	return nil
}

// bcryptInput fits any password into bcrypt's 72-byte input. Longer ones (possible within the
// 128-character policy when characters take several bytes) are pre-hashed with SHA-256, so that
// no byte of a long password is silently ignored.
func bcryptInput(pw string) []byte {
	if len(pw) <= 72 {
		return []byte(pw)
	}
	sum := sha256.Sum256([]byte(pw))
	return []byte(base64.StdEncoding.EncodeToString(sum[:]))
}

// HashPassword checks the policy, then hashes with bcrypt at the given cost.
func HashPassword(pw string, cost int) (string, error) {
	if err := CheckPassword(pw); err != nil {
		return "", err
	}
	h, err := bcrypt.GenerateFromPassword(bcryptInput(pw), cost)
	if err != nil {
		return "", fmt.Errorf("hashing password: %w", err)
	}
	return string(h), nil
}

// VerifyPassword reports whether pw matches hash.
func VerifyPassword(hash, pw string) bool {
	return bcrypt.CompareHashAndPassword([]byte(hash), bcryptInput(pw)) == nil
}

// GeneratePassword returns a random 20-character password that meets the policy.
func GeneratePassword() string {
	const alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		panic(errors.Join(errors.New("crypto/rand failed"), err))
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
