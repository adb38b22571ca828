package protocol

import (
	"bytes"
	"reflect"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// parentTrees are the parts of specs.Spec the init does not decode: the
// parent applies them (cgroups, the seccomp compile, netdevs, RDT) or they
// are for other platforms. Every other field must reach the init intact.
var parentTrees = map[string]bool{
	"Solaris": true, "Windows": true, "VM": true, "ZOS": true, "FreeBSD": true,
	"Linux.Resources": true, "Linux.Seccomp": true, "Linux.IntelRdt": true, "Linux.NetDevices": true,
}

// TestInitViewKeepsAllButParentTrees fills every field runtime-spec has,
// sends the spec and decodes it as the init does: only parentTrees may
// be missing. A field added to runtime-spec fails here until initSpec
// carries it or parentTrees names it, so nothing is dropped in silence.
func TestInitViewKeepsAllButParentTrees(t *testing.T) {
	full := &specs.Spec{}
	fill(reflect.ValueOf(full).Elem(), 0)
	var buf bytes.Buffer
	if err := Send(&buf, Config{ID: "c", Spec: full}); err != nil {
		t.Fatal(err)
	}
	var got Config
	if err := Recv(&buf, &got); err != nil {
		t.Fatal(err)
	}
	want := *full
	linux := *full.Linux
	want.Linux = &linux
	for path := range parentTrees {
		v := reflect.ValueOf(&want).Elem()
		for _, name := range splitPath(path) {
			v = reflect.Indirect(v).FieldByName(name)
			if !v.IsValid() {
				t.Fatalf("parentTrees names %s, which specs.Spec does not have", path)
			}
		}
		v.Set(reflect.Zero(v.Type()))
	}
	if !reflect.DeepEqual(got.Spec, &want) {
		for _, name := range []string{"Process", "Root", "Mounts", "Hooks", "Linux"} {
			g, w := reflect.ValueOf(got.Spec).Elem().FieldByName(name), reflect.ValueOf(&want).Elem().FieldByName(name)
			if !reflect.DeepEqual(g.Interface(), w.Interface()) {
				t.Errorf("spec.%s differs:\n got %+v\nwant %+v", name, reflect.Indirect(g).Interface(), reflect.Indirect(w).Interface())
			}
		}
		t.Fatalf("the init's view of the spec lost a field (got %+v)", got.Spec)
	}
	if got.Spec.Linux.Resources != nil || got.Spec.Linux.Seccomp != nil {
		t.Fatal("the init decoded a parent tree")
	}
}

func splitPath(p string) []string {
	var out []string
	for i, start := 0, 0; i <= len(p); i++ {
		if i == len(p) || p[i] == '.' {
			out = append(out, p[start:i])
			start = i + 1
		}
	}
	return out
}

// fill gives every field a non-zero value: pointers and maps one level
// of content each, slices one element, deep enough for runtime-spec.
func fill(v reflect.Value, depth int) {
	if depth > 8 {
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), depth+1)
			}
		}
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), depth+1)
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			v.SetBytes([]byte("x"))
			return
		}
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(v.Index(0), depth+1)
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(k, depth+1)
		fill(e, depth+1)
		v.SetMapIndex(k, e)
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(1)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(1)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(1)
	}
}
