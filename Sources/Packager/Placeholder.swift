enum PackagerPlaceholder {}
