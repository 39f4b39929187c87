package demo

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// WriteLogins writes the demo logins to path with mode 0600, creating its folder with mode
// 0700, for the person who runs the demo to read. The file is replaced atomically, so a
// crash never leaves half a file.
func WriteLogins(path, url string, logins []Login) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create the folder of %s: %w", path, err)
	}

	var b bytes.Buffer
	fmt.Fprintf(&b, "# Switchboard demo logins for %s\n", url)
	fmt.Fprintf(&b, "# Демо-логины Switchboard для %s\n", url)
	b.WriteString("# role\tlogin\tpassword\tname\n")
	for _, l := range logins {
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\n", l.Role, l.Login, l.Password, l.Name)
	}

	tmp, err := os.CreateTemp(filepath.Dir(path), ".demo-logins-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := tmp.Write(b.Bytes()); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// ReadLogins reads a file written by WriteLogins. A missing file returns no logins and
// no error.
func ReadLogins(path string) ([]Login, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}

	var logins []Login
	scanner := bufio.NewScanner(bytes.NewReader(data))
	for line := 1; scanner.Scan(); line++ {
		text := scanner.Text()
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		fields := strings.Split(text, "\t")
		if len(fields) != 4 {
			return nil, fmt.Errorf("read %s: line %d has %d tab-separated fields, expected 4: delete the file to get new passwords", path, line, len(fields))
		}
		logins = append(logins, Login{Role: fields[0], Login: fields[1], Password: fields[2], Name: fields[3]})
	}
	return logins, scanner.Err()
}
