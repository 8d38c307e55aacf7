"""Import paths of the original enchanted-surrogates that its plugins use; nothing new here."""
