package project

import "context"

// SetMaxPageCount caps the file's size in pages (0: at its current size), so a test can
// make the next growing commit fail as on a full disk.
func SetMaxPageCount(p *Project, n int) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	ctx := context.Background()
	if n == 0 {
		if err := p.c.conn.QueryRowContext(ctx, "PRAGMA page_count").Scan(&n); err != nil {
			return err
		}
	}
	_, err := p.c.conn.ExecContext(ctx, "PRAGMA max_page_count = "+itoa(n))
	return err
}

func itoa(n int) string {
	b := []byte{}
	for {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
		if n == 0 {
			return string(b)
		}
	}
}
