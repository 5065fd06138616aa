"""tnt-dash: situational awareness on serious and organized crime and transnational threats."""
