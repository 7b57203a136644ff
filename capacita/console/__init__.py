"""The organisers' console: a programme's life as steps, each with its state in figures and
its next action, and the menu of the managers' pages grouped by those steps."""
