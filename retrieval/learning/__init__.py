"""Learning from shoppers: relevance signals and their fusion, the collaborative model, imported
interactions, training (`tailtalk learn`) and the versioned model registry.

Imports stay light here; scikit-learn, implicit and sentence-transformers load in the functions
that use them.
"""

from retrieval.learning.fusion import HAND_WEIGHTS, LinearFusion
from retrieval.learning.signals import SessionItems, Signal

__all__ = ["HAND_WEIGHTS", "LinearFusion", "SessionItems", "Signal"]
