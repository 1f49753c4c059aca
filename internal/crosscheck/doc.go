// Package crosscheck holds tests that compare Slate's render with melt's render of the same
// edit exported as MLT XML: two independent engines must agree on the picture.
package crosscheck
