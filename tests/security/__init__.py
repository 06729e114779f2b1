"""The hostile-input suite: one test module per finding of the security review, named after it
(C1, C2, H1-H5, M1-M13, L1-L11), each driving the public interface as an attacker would."""
