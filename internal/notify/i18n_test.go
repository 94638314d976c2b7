package notify_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mifmaroc/erp/ent"
	"github.com/mifmaroc/erp/internal/domain"
	"github.com/mifmaroc/erp/internal/i18n"
	"github.com/mifmaroc/erp/internal/localtime"
	"github.com/mifmaroc/erp/internal/notify"
)

// TestRenderLanguages: every kind of notification email reads in French, English and
// Arabic, the Arabic one right to left, and none shows an untranslated English text.
func TestRenderLanguages(t *testing.T) {
	tpl, err := notify.LoadTemplates()
	if err != nil {
		t.Fatal(err)
	}
	iv := &notify.MailIntervention{ID: 42, Titre: "Fuite", Statut: "AFFECTEE", Priorite: "HAUTE", Equipement: "Pompe P-12 (P12)", DateLimite: "06/12/2026 08:00"}
	want := map[i18n.Lang][]string{
		i18n.FR: {`lang="fr"`, `dir="ltr"`, "Bonjour Salma,", "Priorité", "Date limite", "Message automatique"},
		i18n.EN: {`lang="en"`, `dir="ltr"`, "Hello Salma,", "Priority", "Deadline", "Automatic message"},
		i18n.AR: {`lang="ar"`, `dir="rtl"`, "text-align: right", "مرحبًا Salma،", "الأولوية", "الموعد النهائي", "رسالة آلية"},
	}
	// English words of the layout that must not survive in another language.
	english := []string{"Hello", "Priority", "Deadline", "Automatic message", "Status"}
	headings := map[string]map[i18n.Lang]string{
		"AFFECTATION": {i18n.FR: "Nouvelle intervention affectée", i18n.EN: "New intervention assigned", i18n.AR: "تدخل جديد مُسند إليك"},
		"CLOTURE":     {i18n.FR: "Intervention clôturée", i18n.EN: "Intervention closed", i18n.AR: "تدخل مُغلق"},
		"INFORMATION": {i18n.FR: "Information", i18n.EN: "Information", i18n.AR: "معلومة"},
		"RAPPEL":      {i18n.FR: "Rappel", i18n.EN: "Reminder", i18n.AR: "تذكير"},
		"RETARD":      {i18n.FR: "Échéance proche ou dépassée", i18n.EN: "Deadline near or past", i18n.AR: "موعد استحقاق قريب أو متجاوز"},
	}
	for _, typ := range domain.NotificationType("").Values() {
		for _, l := range i18n.Langs {
			t.Run(typ+"/"+string(l), func(t *testing.T) {
				m, err := tpl.Render(domain.NotificationType(typ), "s@example.com", notify.MailData{
					Lang: l, Destinataire: "Salma", Sujet: "Sujet", Message: "Texte", Intervention: iv,
				})
				if err != nil {
					t.Fatal(err)
				}
				for _, w := range append(want[l], headings[typ][l]) {
					if !strings.Contains(m.HTML, w) {
						t.Errorf("html lacks %q:\n%s", w, m.HTML)
					}
				}
				for _, w := range append(want[l][len(want[l])-4:], headings[typ][l]) {
					if !strings.Contains(m.Text, w) {
						t.Errorf("text lacks %q:\n%s", w, m.Text)
					}
				}
				if l != i18n.EN {
					for _, w := range english {
						if strings.Contains(m.HTML, w) || strings.Contains(m.Text, w) {
							t.Errorf("%s email keeps the English %q:\n%s\n%s", l, w, m.HTML, m.Text)
						}
					}
				}
				if strings.Contains(m.HTML, "%!") || strings.Contains(m.Text, "%!") {
					t.Errorf("a text lacks its argument:\n%s\n%s", m.HTML, m.Text)
				}
			})
		}
	}
}

// TestDatesByLanguage: a date in a notification reads in the reader's language.
func TestDatesByLanguage(t *testing.T) {
	at := localtime.Default().At(time.Date(2026, 12, 5, 7, 0, 0, 0, time.UTC))
	for l, want := range map[i18n.Lang]string{
		i18n.FR: "05/12/2026 08:00 (heure de Casablanca)",
		i18n.EN: "05/12/2026 08:00 (Casablanca time)",
		i18n.AR: "05/12/2026 08:00 (بتوقيت Casablanca)",
	} {
		if got := at.Localize(l); got != want {
			t.Errorf("%s: %q, want %q", l, got, want)
		}
	}
}

// TestArabicEmail: a user who prefers Arabic gets the notification, stored and emailed,
// in Arabic, in a right-to-left email; a French user beside him gets French.
func TestArabicEmail(t *testing.T) {
	h := newHarness(t)
	ar := h.userNamed(t, "amina", "Amina Alaoui", domain.RoleResponsable)
	ar = h.env.Client.User.UpdateOne(ar).SetLangue(domain.LangueAR).SaveX(h.env.Sys)
	fr := h.userNamed(t, "karim", "Karim Tazi", domain.RoleResponsable)
	_, err := notify.Send(h.env.Sys, h.env.Client, notify.Notice{
		Type:    domain.NotificationInformation,
		Sujet:   i18n.M("Low stock: %s", "R-100"),
		Message: i18n.M("The stock of %s (%s) fell to %d %s, below the alert threshold of %d. Suggested restock: %d.", "Joint", "R-100", 2, "pcs", 5, 10),
	}, ar.ID, fr.ID)
	if err != nil {
		t.Fatal(err)
	}
	if res := run(t, h.worker(t, h.smtp())); res.Sent != 2 {
		t.Fatalf("sent %d, want 2", res.Sent)
	}
	got := map[string]*ent.Notification{}
	for _, n := range h.env.Client.Notification.Query().AllX(h.env.Sys) {
		switch n.UserID {
		case ar.ID:
			got["ar"] = n
		case fr.ID:
			got["fr"] = n
		}
	}
	if got["ar"] == nil || got["ar"].Sujet != "مخزون منخفض: R-100" || got["fr"] == nil || got["fr"].Sujet != "Stock bas : R-100" {
		t.Errorf("stored subjects: %+v", got)
	}
	mails := map[string]string{}
	for _, m := range h.srv.Messages() {
		mails[m.To[0]] = m.Subject + "\n" + m.HTML + "\n" + m.Text
	}
	for _, w := range []string{"مخزون منخفض: R-100", `<html lang="ar" dir="rtl">`, "مرحبًا Amina Alaoui،", "انخفض مخزون Joint (R-100) إلى 2 pcs", "رسالة آلية"} {
		if !strings.Contains(mails[ar.Email], w) {
			t.Errorf("Arabic email lacks %q:\n%s", w, mails[ar.Email])
		}
	}
	for _, w := range []string{"Stock bas : R-100", `<html lang="fr" dir="ltr">`, "Bonjour Karim Tazi,", "Le stock de Joint (R-100) est passé à 2 pcs"} {
		if !strings.Contains(mails[fr.Email], w) {
			t.Errorf("French email lacks %q:\n%s", w, mails[fr.Email])
		}
	}
}
