// Package templates holds the email templates, embedded in the binary: one layout in HTML
// and in text (layout.html, layout.txt), and per notification type the parts that differ
// (notification_<type>.html / .txt: its heading and colour).
package templates

import "embed"

// FS holds every template.
//
//go:embed *.html *.txt
var FS embed.FS
