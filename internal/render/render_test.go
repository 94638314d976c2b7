package render

import "testing"

// TestFixEscapes: PostgreSQL's escapes that the executor writes otherwise are rewritten.
func TestFixEscapes(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"nothing to fix", `"a\n\t\"b\"\\c"`, `"a\n\t\"b\"\\c"`},
		{"backspace and form feed", `"\b\f"`, `"\u0008\u000C"`},
		{"lower-case hex", `"\u001f\u000b\u0001"`, `"\u001F\u000B\u0001"`},
		{"an escaped backslash before b", `"\\b\\f\\u001f"`, `"\\b\\f\\u001f"`},
		{"mixed", `{"a":"x\by","b":"\\","c":"\u001e"}`, `{"a":"x\u0008y","b":"\\","c":"\u001E"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cols := []string{tt.in}
			FixEscapes(cols)
			if cols[0] != tt.want {
				t.Errorf("FixEscapes(%s) = %s, want %s", tt.in, cols[0], tt.want)
			}
		})
	}
}
