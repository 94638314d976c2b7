package commentaire_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/mifmaroc/erp/internal/commentaire"
	"github.com/mifmaroc/erp/internal/domain"
)

func TestTexte(t *testing.T) {
	longest := strings.Repeat("é", domain.MaxTexteCommentaire)
	cases := []struct {
		name, in, want string
		code           domain.Code // "": accepted
	}{
		{"OK", "Joint changé", "Joint changé", ""},
		{"Trimmed", " \n Joint changé\t ", "Joint changé", ""},
		{"Empty", "", "", domain.CodeBadUserInput},
		{"Blank", " \n\t ", "", domain.CodeBadUserInput},
		{"Longest", longest, longest, ""},
		{"LongestTrimmed", "  " + longest + "  ", longest, ""},
		{"TooLong", longest + "x", "", domain.CodeBadUserInput},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := commentaire.Texte(tc.in)
			if tc.code != "" {
				var e *domain.Error
				if !errors.As(err, &e) || e.Code != tc.code {
					t.Fatalf("Texte(%q) = %q, %v; want %s", tc.in, got, err, tc.code)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("Texte(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}
