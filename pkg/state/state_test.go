package state

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func TestValidateID(t *testing.T) {
	for _, id := range []string{"a", "abc-1.2_x+y", strings.Repeat("f", 64)} {
		if err := ValidateID(id); err != nil {
			t.Errorf("%q rejected: %v", id, err)
		}
	}
	for _, id := range []string{"", ".", "..", "a/b", "../x", "a b", "a\x00"} {
		if err := ValidateID(id); err == nil {
			t.Errorf("%q accepted", id)
		}
	}
}

func TestCreateLoadRemove(t *testing.T) {
	root := t.TempDir()
	c := &Container{ID: "c1", Bundle: "/b"}
	if err := Create(root, c); err != nil {
		t.Fatal(err)
	}
	if err := Create(root, &Container{ID: "c1"}); !errors.Is(err, ErrExist) {
		t.Fatalf("duplicate id: %v", err)
	}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	got, err := Load(root, "c1")
	if err != nil || got.Bundle != "/b" {
		t.Fatalf("load: %+v %v", got, err)
	}
	ids, _ := List(root)
	if len(ids) != 1 || ids[0] != "c1" {
		t.Fatalf("list: %v", ids)
	}
	if err := got.Remove(); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(root, "c1"); !errors.Is(err, ErrNotExist) || !strings.Contains(err.Error(), `container "c1" does not exist`) {
		t.Fatalf("after remove: %v", err)
	}
}

func TestStatusDetectsPidReuse(t *testing.T) {
	self := os.Getpid()
	start, _, err := ProcStart(self)
	if err != nil {
		t.Fatal(err)
	}
	c := &Container{Pid: self, PidStart: start}
	if c.Status() != "created" {
		t.Fatalf("status %s", c.Status())
	}
	c.Started = true
	if c.Status() != "running" {
		t.Fatalf("status %s", c.Status())
	}
	c.PidStart = start + 1
	if c.Status() != "stopped" {
		t.Fatalf("reused pid counted as alive: %s", c.Status())
	}
}
