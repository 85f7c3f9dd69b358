import re
p='/work/main/indicators/plans/load.ts'
s=open(p).read()
open('/work/main/.scratch/load.ts.orig','w').write(s)
