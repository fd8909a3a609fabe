"""medmassage."""
