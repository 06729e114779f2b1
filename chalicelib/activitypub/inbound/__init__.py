"""Documents from other servers, checked and turned into what Cirrus stores (hostile until checked)."""
