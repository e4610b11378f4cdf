
Þ
@projects/demo-project/databases/(default)/documents/carts/CART-1#
orderIdŠORD-20261127-1a2b3c4d

customerId
Šcust-42

totalCents‡'
currencyŠUSDE
items<J:
'Š$paperback: The Left Hand of Darkness
Šfountain pen
statusŠPAYMENT_PROCESSED
	createdAtR””¥Ø
	updatedAtRî”¥ØèÊ€¸””¥Ø€”ï:"î”¥ØèÊ€¸Í
@projects/demo-project/databases/(default)/documents/carts/CART-1#
orderIdŠORD-20261127-1a2b3c4d

customerId
Šcust-42

totalCents‡'
currencyŠUSDE
items<J:
'Š$paperback: The Left Hand of Darkness
Šfountain pen
status
ŠCREATED
	createdAtR””¥Ø
	updatedAtR””¥Ø””¥Ø€”ï:"””¥Ø€”ï:
status
	updatedAt