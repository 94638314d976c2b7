package schemacontract_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/mifmaroc/erp/internal/schemacontract"
)

func TestSDL(t *testing.T) {
	s := mustLoad(t, `
directive @goModel(model: String, models: [String!], forceGenerate: Boolean) on OBJECT | INPUT_OBJECT | SCALAR | ENUM | INTERFACE | UNION
directive @goField(forceResolver: Boolean, name: String, omittable: Boolean) on FIELD_DEFINITION | INPUT_FIELD_DEFINITION
directive @hasRole(roles: [Role!]!) on FIELD_DEFINITION
type Query {
  "The viewer."
  me: User @hasRole(roles: [ADMIN]) @goField(forceResolver: true)
}
enum Role @goModel(model: "example.com/domain.Role") { ADMIN CLIENT }
type User { role: Role! }
`)
	got := schemacontract.SDL(s)
	want := `directive @hasRole(roles: [Role!]!) on FIELD_DEFINITION
type Query {
  """
  The viewer.
  """
  me: User @hasRole(roles: [ADMIN])
}
enum Role {
  ADMIN
  CLIENT
}
type User {
  role: Role!
}
`
	body, ok := strings.CutPrefix(got, "# ")
	if !ok {
		t.Fatalf("SDL has no header comment:\n%s", got)
	}
	if _, body, _ = strings.Cut(body, "\n\n"); body != want {
		t.Errorf("SDL (-want +got):\n%s", cmp.Diff(want, body))
	}
	if again := schemacontract.SDL(mustLoad(t, got)); again != got {
		t.Errorf("SDL of its own output differs (-first +second):\n%s", cmp.Diff(got, again))
	}
	if s.Types["Role"].Directives.ForName("goModel") == nil || s.Directives["goModel"] == nil {
		t.Error("SDL changed the schema it printed")
	}
}
