// Package templates holds the email templates, one HTML and one text file per notification
// type (notification_<type>.html / .txt), embedded in the binary.
package templates

import "embed"

// FS holds every template.
//
//go:embed *.html *.txt
var FS embed.FS
