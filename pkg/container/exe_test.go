package container

import (
	"os"
	"strconv"
	"testing"
)

// The fallback for kernels without open_tree: a sealed copy nobody can write.
func TestSealedExeCannotBeWritten(t *testing.T) {
	f, err := sealedExe()
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	self, _ := os.Stat("/proc/self/exe")
	if st, _ := f.Stat(); st.Size() != self.Size() {
		t.Fatalf("copy has %d bytes, binary %d", st.Size(), self.Size())
	}
	if _, err := f.WriteAt([]byte("pwned"), 0); err == nil {
		t.Fatal("wrote into the sealed copy")
	}
	w, err := os.OpenFile("/proc/self/fd/"+strconv.Itoa(int(f.Fd())), os.O_WRONLY, 0)
	if err == nil {
		_, err = w.Write([]byte("pwned"))
		w.Close()
	}
	if err == nil {
		t.Fatal("reopened the sealed copy for writing and wrote")
	}
}
