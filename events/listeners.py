LISTENERS: list = []
