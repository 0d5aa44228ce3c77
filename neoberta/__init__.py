__version__ = "0.1.0"
from . import model as _model  # registers NeoBERTa with the transformers Auto classes
