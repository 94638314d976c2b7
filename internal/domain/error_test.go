package domain_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/i18n"
)

// TestErrorLocalize: an error keeps its English Message for logs and renders in any
// language, its missing list too.
func TestErrorLocalize(t *testing.T) {
	e := domain.Errorf(domain.CodeIncompleteWork, "the intervention cannot be closed yet: %s",
		i18n.Join{Items: []i18n.Message{i18n.M("checklist: point %d « %s » is unanswered", 2, "Pression")}, Sep: "; "})
	e.Missing = []i18n.Message{i18n.M("checklist: point %d « %s » is unanswered", 2, "Pression")}
	tests := []struct {
		lang    i18n.Lang
		msg     string
		missing []string
	}{
		{i18n.EN, "the intervention cannot be closed yet: checklist: point 2 « Pression » is unanswered",
			[]string{"checklist: point 2 « Pression » is unanswered"}},
		{i18n.FR, "l'intervention ne peut pas encore être clôturée : checklist : le point 2 « Pression » est sans réponse",
			[]string{"checklist : le point 2 « Pression » est sans réponse"}},
		{i18n.AR, "لا يمكن إغلاق التدخل بعد: قائمة التحقق: النقطة 2 « Pression » بلا إجابة",
			[]string{"قائمة التحقق: النقطة 2 « Pression » بلا إجابة"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.lang), func(t *testing.T) {
			if got := e.Localize(tt.lang); got != tt.msg {
				t.Errorf("message %q, want %q", got, tt.msg)
			}
			if diff := cmp.Diff(tt.missing, e.MissingIn(tt.lang)); diff != "" {
				t.Errorf("missing (-want +got):\n%s", diff)
			}
		})
	}
	if e.Message != tests[0].msg {
		t.Errorf("Message %q, want the English text", e.Message)
	}
	literal := &domain.Error{Code: domain.CodeNotFound, Message: "not found"}
	if got := literal.Localize(i18n.AR); got != "غير موجود" {
		t.Errorf("literal message in Arabic: %q", got)
	}
}
