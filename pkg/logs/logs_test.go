package logs

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestJSONLine(t *testing.T) {
	var buf bytes.Buffer
	l := &Logger{w: &buf, json: true}
	l.log("error", `container "x" does not exist`)
	var line map[string]string
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatal(err)
	}
	if line["level"] != "error" || line["msg"] != `container "x" does not exist` || line["time"] == "" {
		t.Fatalf("line %v", line)
	}
}

func TestTextLineAndBadFormat(t *testing.T) {
	var buf bytes.Buffer
	l := &Logger{w: &buf}
	l.log("warning", "skipping CAP_FOO")
	if !strings.Contains(buf.String(), `level=warning msg="skipping CAP_FOO"`) {
		t.Fatalf("text line %q", buf.String())
	}
	if err := Setup("", "xml", false); err == nil {
		t.Fatal("unknown format accepted")
	}
}
