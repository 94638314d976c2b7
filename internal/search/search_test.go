package search_test

import (
	"testing"

	"github.com/mifmaroc/erp/internal/search"
)

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ÉLECTRICITÉ", "electricite"},
		{"  Pompe   de  relevage ", "pompe de relevage"},
		{"Évaporateur défectueux — Çà", "evaporateur defectueux — ca"},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := search.Normalize(tt.in); got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
